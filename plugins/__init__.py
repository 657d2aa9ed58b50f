"""First-party Gongzhi modules, each shaped like a third-party plugin distribution."""
