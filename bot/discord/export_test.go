package discord

// SetSlow makes every answer run slow first, so tests see the deferral.
func SetSlow(b *Bot, slow func()) { b.slow = slow }

// HoldPace stops the global pace: every request it paces is refused at
// once, as if a fan-out had taken all of the 50 requests/s.
func HoldPace(r *REST) { r.global.SetBurst(0) }
