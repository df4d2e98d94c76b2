package discord

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics count interactions by kind and how they were answered (inline,
// deferred), and DMs by outcome: what an operator watches to see the 3 s
// deadline and DM refusals.
type metrics struct {
	interactions *prometheus.CounterVec
	dms          *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) metrics {
	m := metrics{
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "collabbot_discord_interactions_total",
			Help: "Discord interactions answered, by type and by how (inline or deferred).",
		}, []string{"type", "answer"}),
		dms: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "collabbot_discord_dms_total",
			Help: "Discord DM sends, by outcome (sent, edited, found, waiting, unreachable, rate_limited, failed).",
		}, []string{"outcome"}),
	}
	if reg != nil {
		m.interactions = register(reg, m.interactions)
		m.dms = register(reg, m.dms)
	}
	return m
}

// register reuses a collector already in a shared registry.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err)
	}
	return c
}
