"""Payments through Payme and Click (DOMAIN.md "Billing"; issue 10, points 4-7).

- ``services``: the state changes of a provider transaction (create, perform, cancel) and
  their ledger postings, under the transaction's row lock;
- ``payme``: Payme's Merchant API (JSON-RPC 2.0) on top of the services;
- ``click``: Click's SHOP API (prepare/complete) on top of the services;
- ``messages``: the protocols' error texts (Payme: uz/ru/en objects; Click: English notes);
- ``clients`` and ``reconciliation``: the providers' statements and the nightly comparison;
- ``views``, ``admin``: thin.
"""
