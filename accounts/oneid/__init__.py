"""OneID, the state's single sign-on for citizens, as a django-allauth provider."""
