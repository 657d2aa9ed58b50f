"""志愿者 / Volunteers and their service-hours ledger, with the printable service record."""
