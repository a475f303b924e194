"""People and how they sign in.

Users with one or more roles, the consumer profile and segment, local login with
throttling and two-factor sign-in (TOTP) for staff, registration with e-mail
verification, password reset, role-aware home pages and the administrators' user
pages.  Imports only ``core``.
"""
