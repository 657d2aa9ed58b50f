"""The plugin host: hook specifications, loading, per-tenant enablement, mounting, events and
metrics."""
