"""Writes on organizations, memberships and invitations, one module per topic.

Import from the modules themselves; this package re-exports nothing, so that
`orgs.tasks` and the services can import each other's modules freely.
"""
