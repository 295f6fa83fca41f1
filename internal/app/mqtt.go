package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/teslafleet/teslafleet/internal/config"
	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/mqtt"
)

// startMQTT starts the MQTT export the configuration asks for: the
// embedded broker (unless an external one is named, or listen is off) and
// the exporter of reg's entities, connected to it. stop ends both; it is
// a no-op when MQTT is off. An embedded broker that cannot listen (the
// port is taken) leaves MQTT off with a message; one that would accept
// anonymous clients beyond loopback is an error. The metrics, when given,
// read the exporter.
func startMQTT(ctx context.Context, c config.MQTT, reg *entity.Registry, m *metrics, out io.Writer, log *slog.Logger) (stop func(), err error) {
	stop = func() {}
	if !c.Enabled || c.URL == "" && c.Listen == config.MQTTOff {
		return stop, nil
	}
	url := c.URL
	var broker *mqtt.Broker
	if url == "" {
		broker, err = mqtt.StartBroker(ctx, mqtt.BrokerOptions{Listen: c.Listen, Username: c.Username, Password: c.Password.Reveal(), Logger: log})
		if errors.Is(err, mqtt.ErrAnonymousBroker) {
			return stop, err
		}
		if err != nil {
			// MQTT is an addition: the service runs without it (another
			// broker may hold the port) and says so.
			log.Error("mqtt: the embedded broker did not start", "err", err)
			fmt.Fprintf(out, "MQTT off: %v (set mqtt.url to your broker, or mqtt.listen to a free address)\n", err)
			return stop, nil
		}
		url = broker.URL()
	}
	topics := mqtt.Topics{Discovery: c.DiscoveryPrefix, Base: c.BaseTopic}
	client, err := mqtt.Dial(mqtt.DialOptions{
		URL: url, Username: c.Username, Password: c.Password.Reveal(),
		ClientCert: c.ClientCert, ClientKey: c.ClientKey, CAFile: c.CAFile,
		ClientID: "teslafleet-" + c.BaseTopic, WillTopic: topics.Status(), WillPayload: "offline",
	})
	if err != nil {
		closeBroker(broker)
		return stop, err
	}
	x, err := mqtt.New(mqtt.Options{Registry: reg, Client: client, Topics: topics, Version: Version(), Logger: log})
	if err != nil {
		closeBroker(broker)
		return stop, err
	}
	if m != nil {
		m.bindMQTT(x)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := x.Run(ctx); err != nil {
			log.Error("mqtt: the exporter stopped", "err", err)
		}
	}()
	if broker != nil {
		fmt.Fprintf(out, "MQTT broker at %s (discovery under %s/, states under %s/)\n", broker.URL(), c.DiscoveryPrefix, c.BaseTopic)
		if host, port, err := net.SplitHostPort(broker.Addr()); err == nil {
			fmt.Fprintf(out, "  mosquitto_sub -h %s -p %s -t '%s/#' -v\n", host, port, c.DiscoveryPrefix)
		}
	} else {
		fmt.Fprintf(out, "MQTT export to %s (discovery under %s/, states under %s/)\n", c.URL, c.DiscoveryPrefix, c.BaseTopic)
	}
	return func() {
		cancel()
		<-done
		closeBroker(broker)
	}, nil
}

func closeBroker(b *mqtt.Broker) {
	if b != nil {
		_ = b.Close()
	}
}

// demoMQTT is the demo's MQTT configuration: the defaults, with the
// embedded broker on listen ("" or "off": none).
func demoMQTT(listen string) config.MQTT {
	c := config.Default().MQTT
	c.Listen = listen
	if listen == "" {
		c.Listen = config.MQTTOff
	}
	return c
}
