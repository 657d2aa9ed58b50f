"""落实 / Follow-through: implementation tasks with owners, due dates and progress updates."""
