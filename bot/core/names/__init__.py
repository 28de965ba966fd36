"""Names people type, resolved to members, departments and topics; one identity per member and
per answering body across sources."""
