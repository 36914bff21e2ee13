"""(issue 15)"""
