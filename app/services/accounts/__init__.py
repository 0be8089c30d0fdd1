"""People and the record of what they did: accounts, the audit trail, the first administrator."""
