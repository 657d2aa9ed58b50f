"""公开查询 / The public view: published topics, sessions, results and implementation."""
