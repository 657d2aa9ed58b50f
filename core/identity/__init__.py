"""Identity and access: users, tokens, memberships, roles, permissions and the guard."""
