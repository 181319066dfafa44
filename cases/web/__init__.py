"""HTTP plumbing the doors share."""
