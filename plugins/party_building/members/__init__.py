"""党员 / Party members: status, probation, transfers, 亮身份 and 党员示范岗; personal data behind ``party-building:people``."""
