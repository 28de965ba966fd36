"""A read-only Model Context Protocol server over the store (``python -m bot mcp``), for AI
assistants. A frontend beside the Discord adapter: it uses the core, never Discord."""
