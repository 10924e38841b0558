"""Demo data: a deterministic sample mailbox for the demo organisation and the benchmark."""
