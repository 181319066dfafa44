"""The back-office views: one module per page or group of actions."""
