"""The workspace's pages, one module per area."""
