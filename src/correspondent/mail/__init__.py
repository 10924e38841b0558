"""Adapters for mail formats and protocols: MIME parsing, HTML sanitising, file sniffing, IMAP."""
