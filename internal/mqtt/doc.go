// Package mqtt exports teslafleet's entities to an MQTT broker with Home
// Assistant's MQTT discovery, so that Home Assistant (and anything that reads
// a topic tree: Node-RED, openHAB, TeslaMate-style scripts) picks every
// entity up with no configuration, and takes commands back.
//
// # Topics
//
// With the default discovery prefix "homeassistant" and base topic
// "teslafleet":
//
//	teslafleet/status                          online / offline (the client's last will), retained
//	teslafleet/<device>/availability           online / offline: offline while every entity of the device is unavailable
//	teslafleet/<device>/<key>/state            the entity's state as the REST API shows it, retained
//	teslafleet/<device>/<key>/attributes       its attributes as a JSON object, retained
//	teslafleet/<device>/<key>/set              commands (and …/<part>/set for climate and the media player)
//	teslafleet/<device>/<key>/error            the answer to a command that failed or was refused
//	homeassistant/<component>/<unique_id>/config  the discovery configs, retained (empty when disabled)
//
// <device> is the device's identifier (VIN, energy site id, Wall
// Connector DIN); <key> is the slug of the entity's name ("charge_limit",
// "battery_level"), unique within its device.
//
// # Flow
//
// The Exporter is a subscriber of the entity registry's change stream. It
// never blocks the registry: it turns each change into messages in a
// bounded backlog (the latest payload per topic wins) that a sender drains
// while the broker is there. After every (re)connect, and when Home
// Assistant announces itself on homeassistant/status, it republishes
// everything — a page of the registry at a time (Registry.Walk) as the
// sender drains the backlog, so a fleet of any size fits. Commands go through Registry.Call, the REST API's path, so
// they are validated the same way: an invalid payload is refused before
// anything is sent to Tesla, and answered on the entity's error topic.
//
// The broker is either an external one (Dial) or the embedded one
// (StartBroker, mochi-mqtt), which needs a username and password when it
// listens beyond loopback. The client library sits behind Client.
//
// # Files
//
// topics.go names topics; discovery.go builds the discovery configs (one
// function per component); commands.go maps command payloads to services;
// backlog.go is the bounded queue; exporter.go runs it; sweep.go empties,
// after each connect, the retained configs of entities that are gone;
// client.go and broker.go are the network.
package mqtt
