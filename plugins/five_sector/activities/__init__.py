"""活动 / Activities: sign-up, check-in, and the close that counts person-times and credits
volunteers' hours."""
