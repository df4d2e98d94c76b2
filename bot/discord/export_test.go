package discord

// SetSlow makes every answer run slow first, so tests see the deferral.
func SetSlow(b *Bot, slow func()) { b.slow = slow }
