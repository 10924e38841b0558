"""Mailbox sync against a real Dovecot, driven the way a mail client would."""
