"""The identity vault (the only place identity lives) and what reads or changes it: schema,
encryption, access log, werklijst, inzage and erasure, retention and key rotation.
"""
