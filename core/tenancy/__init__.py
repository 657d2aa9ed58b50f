"""The tenant tree: model, rules, service, routes and declarative provisioning."""
