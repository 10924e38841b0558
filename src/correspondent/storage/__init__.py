"""Storage adapters: SQL tables, repositories, the unit of work and the blob store."""
