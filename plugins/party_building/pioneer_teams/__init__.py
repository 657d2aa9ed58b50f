"""党员先锋队 / Pioneer teams: their members, the activities they serve in and the person-times they mobilise."""
