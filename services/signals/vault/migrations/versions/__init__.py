"""One module per revision; 0001 is the schema the vault had under ``create_all``."""
