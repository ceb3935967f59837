"""The SQL store: models, engines, batched writes, durable batches and per-source leases."""
