"""Cultural and art events: proposals, approval, invitations, reports and the calendar."""
