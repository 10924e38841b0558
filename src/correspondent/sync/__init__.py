"""Server-side mailbox sync: per-folder passes (``folder``), tracking batches (``batch``),
keyword changes (``keywords``), one mailbox (``mailbox``, ``mailbox_worker``), IDLE
(``watcher``) and the multi-mailbox runner with leases (``runner``)."""
