package delivery

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/collabbot/collabbot/domain"
)

// Depther is a Queue that can say what waits per surface
// (store/sqlite's OutboxDepth), for the queue-depth metrics.
type Depther interface {
	OutboxDepth(ctx context.Context) ([]domain.QueueDepth, error)
}

// DepthTimeout bounds the store query behind one scrape's queue depth: a
// busy database must not hang /metrics.
const DepthTimeout = 2 * time.Second

// metrics are the dispatcher's Prometheus series, all by surface.
type metrics struct {
	delivered, retried, rateLimited *prometheus.CounterVec
	failed                          *prometheus.CounterVec // and reason
	sendSeconds                     *prometheus.HistogramVec
}

// newMetrics builds the dispatcher's series and registers them on
// d.Metrics when set. Another dispatcher on the same registry (serve and a
// test, two pools) shares the series already there.
func newMetrics(d *Dispatcher) *metrics {
	m := &metrics{
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "collabbot_outbox_delivered_total",
			Help: "Outgoing messages delivered, by surface."}, []string{"surface"}),
		retried: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "collabbot_outbox_retried_total",
			Help: "Sends that failed for now and will be retried after a backoff, by surface."}, []string{"surface"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "collabbot_outbox_rate_limited_total",
			Help: "Rate-limit answers (HTTP 429 with Retry-After) received, by surface; not counted as failures."}, []string{"surface"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "collabbot_outbox_failed_total",
			Help: "Outgoing messages that failed for good, by surface and reason (permanent, unreachable, retry_period_over, lost, original_failed)."}, []string{"surface", "reason"}),
		sendSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "collabbot_outbox_send_duration_seconds",
			Help:    "Time one send took on its platform, by surface.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"surface"}),
	}
	if d.Metrics == nil {
		return m
	}
	m.delivered = register(d, m.delivered)
	m.retried = register(d, m.retried)
	m.rateLimited = register(d, m.rateLimited)
	m.failed = register(d, m.failed)
	m.sendSeconds = register(d, m.sendSeconds)
	if q, ok := d.Queue.(Depther); ok {
		register(d, prometheus.Collector(&depthCollector{d: d, q: q}))
	}
	return m
}

// register registers c, or returns the collector of the same name already
// registered.
func register[C prometheus.Collector](d *Dispatcher, c C) C {
	err := d.Metrics.Register(c)
	var are prometheus.AlreadyRegisteredError
	switch {
	case err == nil:
	case errors.As(err, &are):
		if prev, ok := are.ExistingCollector.(C); ok {
			return prev
		}
	default:
		d.Log.Error("registering delivery metrics failed", "err", err)
	}
	return c
}

var (
	depthDesc = prometheus.NewDesc("collabbot_outbox_queue_depth",
		"Outgoing messages waiting (pending or being sent), by surface.", []string{"surface"}, nil)
	ageDesc = prometheus.NewDesc("collabbot_outbox_oldest_pending_age_seconds",
		"How long the oldest waiting outgoing message has waited, by surface (0 when none waits).", []string{"surface"}, nil)
)

// depthCollector reads the queue depth from the store when scraped.
type depthCollector struct {
	d *Dispatcher
	q Depther
}

func (c *depthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- depthDesc
	ch <- ageDesc
}

// Collect reports every surface the dispatcher delivers (0 when nothing
// waits) and any other that has rows waiting. A failed read is logged and
// reports nothing, rather than failing the whole scrape.
func (c *depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), DepthTimeout)
	defer cancel()
	rows, err := c.q.OutboxDepth(ctx)
	if err != nil {
		c.d.Log.Warn("reading outbox depth for metrics failed", "err", err)
		return
	}
	now := c.d.Now()
	seen := map[domain.Surface]bool{}
	for _, r := range rows {
		seen[r.Surface] = true
		age := 0.0
		if !r.Oldest.IsZero() && r.Waiting > 0 {
			age = max(now.Sub(r.Oldest).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, float64(r.Waiting), string(r.Surface))
		ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, age, string(r.Surface))
	}
	for _, s := range c.d.surfaces {
		if !seen[s] {
			ch <- prometheus.MustNewConstMetric(depthDesc, prometheus.GaugeValue, 0, string(s))
			ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, 0, string(s))
		}
	}
}
