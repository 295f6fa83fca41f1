package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// Home Assistant's WebSocket API (its websocket_api component): GET
// /api/websocket authenticates inside the protocol (auth_required → auth →
// auth_ok / auth_invalid), then answers commands, each with an id that
// increases on the connection.

// Home Assistant's error codes (websocket_api/const.py).
const (
	errIDReuse            = "id_reuse"
	errInvalidFormat      = "invalid_format"
	errNotFound           = "not_found"
	errUnknownCommand     = "unknown_command"
	errUnknownError       = "unknown_error"
	errHomeAssistant      = "home_assistant_error"
	errServiceValidation  = "service_validation_error"
	msgIncorrectFormat    = "Message incorrectly formatted."
	msgInvalidAuth        = "Invalid access token or password"
	wsUser                = "api" // the user id a call's context carries, as REST's
	defaultWSQueue        = 4096  // Home Assistant's MAX_PENDING_MSG
	defaultWSChanges      = 1024
	defaultWSWriteTimeout = 10 * time.Second
	defaultWSAuthTimeout  = 10 * time.Second
	wsReadLimit           = 1 << 22
)

// wsHandler serves GET /api/websocket.
type wsHandler struct {
	reg    *entity.Registry
	valid  func(token string) bool
	log    *slog.Logger
	config func() haConfigDict

	queue        int             // outgoing messages queued per connection before it is dropped
	changes      int             // registry changes buffered per connection before it is dropped
	writeTimeout time.Duration   // a write that blocks longer drops the connection
	authTimeout  time.Duration   // time to send the auth message
	shutdown     <-chan struct{} // closed when the server shuts down: connections end with "going away"
	gate         *Gate           // when set, failed auth messages count against the client's address
}

// websocket is the handler of GET /api/websocket, checking tokens as the
// bearer middleware does.
func (s *server) websocket() http.Handler {
	h := newWSHandler(s.reg, s.validToken, s.log)
	h.config = func() haConfigDict { return haConfig(s.reg, s.siteOf()) }
	h.shutdown = s.opts.Shutdown
	h.gate = s.auth
	return h
}

// validToken is the one token check of the REST middleware and the
// WebSocket auth message.
func (s *server) validToken(tok string) bool { return s.auth.valid(context.Background(), tok) }

func newWSHandler(reg *entity.Registry, valid func(string) bool, log *slog.Logger) *wsHandler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &wsHandler{
		reg: reg, valid: valid, log: log,
		config:       func() haConfigDict { return haConfig(reg, siteConfig{}) },
		queue:        defaultWSQueue,
		changes:      defaultWSChanges,
		writeTimeout: defaultWSWriteTimeout,
		authTimeout:  defaultWSAuthTimeout,
	}
}

func (h *wsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	addr := r.RemoteAddr
	if h.gate != nil {
		// An address over its limit of failed authentications (REST's and
		// these together) is refused before the upgrade.
		if addr = h.gate.ClientAddr(r); h.gate.blocked(addr) {
			message(w, http.StatusTooManyRequests, "Too many failed authentications")
			return
		}
	}
	// The token, not the origin, protects the API (Home Assistant checks
	// no origin either).
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		h.log.Info("web: websocket handshake failed", "err", err)
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(wsReadLimit)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	if h.shutdown != nil {
		// http.Server.Shutdown does not end hijacked connections: say
		// goodbye as a server going away, then end it.
		go func() {
			select {
			case <-h.shutdown:
				c.Close(websocket.StatusGoingAway, "teslafleet is shutting down")
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	if !h.authenticate(ctx, c, addr) {
		return
	}
	conn := &wsConn{h: h, c: c, ctx: ctx, cancel: cancel, out: make(chan []byte, h.queue), subs: map[int64]*wsSub{}}
	conn.run()
}

// authenticate runs the auth phase; false means the connection is over.
func (h *wsHandler) authenticate(ctx context.Context, c *websocket.Conn, remote string) bool {
	actx, cancel := context.WithTimeout(ctx, h.authTimeout)
	defer cancel()
	write := func(v any) error {
		b, _ := json.Marshal(v)
		return c.Write(actx, websocket.MessageText, b)
	}
	if write(authMessage{Type: "auth_required", HAVersion: haVersion}) != nil {
		return false
	}
	_, b, err := c.Read(actx)
	if err != nil {
		return false
	}
	var msg struct {
		Type        string  `json:"type"`
		AccessToken *string `json:"access_token"`
	}
	if err := json.Unmarshal(b, &msg); err != nil || msg.Type != "auth" || msg.AccessToken == nil {
		text := "Auth message incorrectly formatted: "
		switch {
		case err != nil:
			text += "expected a dictionary"
		case msg.Type != "auth":
			text += "value must be one of ['auth'] for dictionary value @ data['type']"
		default:
			text += "required key not provided @ data['access_token']"
		}
		_ = write(authMessage{Type: "auth_invalid", Message: text})
		c.Close(websocket.StatusNormalClosure, "")
		return false
	}
	if !h.valid(*msg.AccessToken) {
		h.log.Warn("web: websocket authentication failed", "remote", remote)
		if h.gate != nil {
			h.gate.fail(remote)
		}
		_ = write(authMessage{Type: "auth_invalid", Message: msgInvalidAuth})
		c.Close(websocket.StatusNormalClosure, "")
		return false
	}
	return write(authMessage{Type: "auth_ok", HAVersion: haVersion}) == nil
}

// authMessage is one of the auth phase's messages, keys in Home
// Assistant's order.
type authMessage struct {
	Type      string `json:"type"`
	HAVersion string `json:"ha_version,omitempty"`
	Message   string `json:"message,omitempty"`
}

// wsConn is one authenticated connection.
type wsConn struct {
	h      *wsHandler
	c      *websocket.Conn
	ctx    context.Context
	cancel context.CancelFunc
	out    chan []byte // bounded: a client that does not read is dropped
	once   sync.Once
	calls  sync.WaitGroup
	lastID int64 // the reader's only

	mu     sync.Mutex // subs, changes; held while queueing their messages, to keep them in order
	subs   map[int64]*wsSub
	change *entity.Subscription
}

// wsSub is one subscribe_events or subscribe_entities subscription.
type wsSub struct {
	entities  bool
	eventType string          // subscribe_events: "" is every event
	ids       map[string]bool // subscribe_entities: nil is every entity
}

func (c *wsConn) run() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.write()
	}()
	defer func() {
		c.drop("")
		c.calls.Wait()
		wg.Wait()
		c.mu.Lock()
		if c.change != nil {
			c.change.Close()
		}
		c.mu.Unlock()
	}()
	for {
		_, b, err := c.c.Read(c.ctx)
		if err != nil {
			return
		}
		c.handle(b)
	}
}

// drop ends the connection (once), logging why when reason is set.
func (c *wsConn) drop(reason string) {
	c.once.Do(func() {
		if reason != "" {
			c.h.log.Warn("web: websocket client dropped", "reason", reason)
		}
		c.cancel()
	})
}

// write sends the queued messages until the connection ends.
func (c *wsConn) write() {
	for {
		select {
		case <-c.ctx.Done():
			c.c.CloseNow()
			return
		case b := <-c.out:
			wctx, cancel := context.WithTimeout(c.ctx, c.h.writeTimeout)
			err := c.c.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				if c.ctx.Err() == nil {
					c.drop("write failed: " + err.Error())
				}
				c.c.CloseNow()
				return
			}
		}
	}
}

// send queues one message; a full queue drops the client rather than wait.
func (c *wsConn) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.h.log.Error("web: websocket message not encodable", "err", err)
		return
	}
	select {
	case c.out <- b:
	default:
		c.drop(fmt.Sprintf("client unable to keep up with pending messages (%d)", cap(c.out)))
	}
}

type wsResult struct {
	ID      int64  `json:"id"`
	Type    string `json:"type"`
	Success bool   `json:"success"`
	Result  any    `json:"result"`
}

type wsErr struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// wsFailure is an error answer; Result is absent from it.
type wsFailure struct {
	ID      any    `json:"id"`
	Type    string `json:"type"`
	Success bool   `json:"success"`
	Error   wsErr  `json:"error"`
}

func (c *wsConn) result(id int64, v any) {
	c.send(wsResult{ID: id, Type: "result", Success: true, Result: v})
}

func (c *wsConn) fail(id any, code, text string) {
	c.send(wsFailure{ID: id, Type: "result", Error: wsErr{code, text}})
}

type wsEvent struct {
	ID    int64  `json:"id"`
	Type  string `json:"type"`
	Event any    `json:"event"`
}

// handle answers one message, as Home Assistant's ActiveConnection.async_handle.
func (c *wsConn) handle(b []byte) {
	var msg map[string]json.RawMessage
	if err := json.Unmarshal(b, &msg); err != nil {
		c.fail(0, errInvalidFormat, msgIncorrectFormat)
		return
	}
	var id int64
	var typ string
	if json.Unmarshal(msg["id"], &id) != nil || id < 0 || json.Unmarshal(msg["type"], &typ) != nil || msg["type"] == nil {
		var raw any
		_ = json.Unmarshal(msg["id"], &raw)
		c.fail(raw, errInvalidFormat, msgIncorrectFormat)
		return
	}
	if id <= c.lastID {
		c.fail(id, errIDReuse, "Identifier values have to increase.")
		return
	}
	handler, ok := wsCommands[typ]
	if !ok {
		c.h.log.Info("web: websocket unknown command", "type", typ)
		c.fail(id, errUnknownCommand, "Unknown command.")
		return
	}
	c.lastID = id
	if err := handler(c, id, msg); err != nil {
		c.fail(id, errInvalidFormat, err.Error())
	}
}

// A command handler answers (or arranges to answer) the message; an error
// is a message outside the command's schema (invalid_format).
type wsCommand func(c *wsConn, id int64, msg map[string]json.RawMessage) error

var wsCommands map[string]wsCommand

func init() {
	wsCommands = map[string]wsCommand{
		"ping":               (*wsConn).ping,
		"supported_features": (*wsConn).supportedFeatures,
		"get_states":         (*wsConn).getStates,
		"get_config":         (*wsConn).getConfig,
		"get_services":       (*wsConn).getServices,
		"subscribe_events":   (*wsConn).subscribeEvents,
		"unsubscribe_events": (*wsConn).unsubscribeEvents,
		"subscribe_entities": (*wsConn).subscribeEntities,
		"call_service":       (*wsConn).callService,
	}
}

// field reads an optional field of msg into v; absent or null leaves v.
func field(msg map[string]json.RawMessage, name string, v any, want string) error {
	raw, ok := msg[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("expected %s for dictionary value @ data['%s']. Got %s", want, name, raw)
	}
	return nil
}

// noExtra refuses keys beyond id, type and the allowed ones.
func noExtra(msg map[string]json.RawMessage, allowed ...string) error {
	for k := range msg {
		if k != "id" && k != "type" && !contains(allowed, k) {
			return fmt.Errorf("extra keys not allowed @ data['%s']", k)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *wsConn) ping(id int64, msg map[string]json.RawMessage) error {
	c.send(struct {
		ID   int64  `json:"id"`
		Type string `json:"type"`
	}{id, "pong"})
	return nil
}

// supportedFeatures accepts the client's features; none changes what is
// sent (messages are never coalesced, which every client handles).
func (c *wsConn) supportedFeatures(id int64, msg map[string]json.RawMessage) error {
	var f map[string]any
	if err := field(msg, "features", &f, "dict"); err != nil {
		return err
	}
	c.result(id, nil)
	return nil
}

func (c *wsConn) getStates(id int64, msg map[string]json.RawMessage) error {
	if err := noExtra(msg); err != nil {
		return err
	}
	c.result(id, c.h.reg.States())
	return nil
}

func (c *wsConn) getConfig(id int64, msg map[string]json.RawMessage) error {
	if err := noExtra(msg); err != nil {
		return err
	}
	c.result(id, c.h.config())
	return nil
}

func (c *wsConn) getServices(id int64, msg map[string]json.RawMessage) error {
	if err := noExtra(msg); err != nil {
		return err
	}
	c.result(id, serviceDescriptions())
	return nil
}

// subscribeEvents is subscribe_events: only state_changed events exist
// here; another event_type subscribes to nothing.
func (c *wsConn) subscribeEvents(id int64, msg map[string]json.RawMessage) error {
	var typ string
	if err := field(msg, "event_type", &typ, "str"); err != nil {
		return err
	}
	if err := noExtra(msg, "event_type"); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watchLocked()
	c.subs[id] = &wsSub{eventType: typ}
	c.result(id, nil)
	return nil
}

func (c *wsConn) unsubscribeEvents(id int64, msg map[string]json.RawMessage) error {
	var sub *int64
	if err := field(msg, "subscription", &sub, "int"); err != nil {
		return err
	}
	if sub == nil {
		return errors.New("required key not provided @ data['subscription']. Got None")
	}
	if err := noExtra(msg, "subscription"); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.subs[*sub]; !ok {
		c.fail(id, errNotFound, "Subscription not found.")
		return nil
	}
	delete(c.subs, *sub)
	c.result(id, nil)
	return nil
}

// subscribeEntities is subscribe_entities: the result, every current state
// compressed ("a"), then each change.
func (c *wsConn) subscribeEntities(id int64, msg map[string]json.RawMessage) error {
	var ids []string
	if raw, ok := msg["entity_ids"]; ok && string(raw) != "null" {
		var one string
		if json.Unmarshal(raw, &one) == nil {
			ids = []string{one}
		} else if err := json.Unmarshal(raw, &ids); err != nil {
			return fmt.Errorf("not a valid value for dictionary value @ data['entity_ids']. Got %s", raw)
		}
	}
	if err := noExtra(msg, "entity_ids"); err != nil {
		return err
	}
	sub := &wsSub{entities: true}
	if ids != nil {
		sub.ids = map[string]bool{}
		for _, e := range ids {
			sub.ids[strings.ToLower(strings.TrimSpace(e))] = true
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Changes are watched before the states are read: a change racing
	// with the read is sent again, which leaves the client's view right.
	c.watchLocked()
	c.result(id, nil)
	initial := map[string]compressedState{}
	for _, st := range c.h.reg.States() {
		if sub.wants(st.EntityID) {
			initial[st.EntityID] = compress(&st)
		}
	}
	c.send(wsEvent{ID: id, Type: "event", Event: entitiesEvent{A: initial}})
	c.subs[id] = sub
	return nil
}

func (s *wsSub) wants(entityID string) bool { return s.ids == nil || s.ids[entityID] }

// watchLocked starts following the registry's changes, once per
// connection.
func (c *wsConn) watchLocked() {
	if c.change != nil {
		return
	}
	sub := c.h.reg.Subscribe(c.h.changes)
	c.change = sub
	go c.forward(sub)
}

// forward hands the registry's changes to the connection's subscriptions.
// A connection that missed a change (its buffer was full) is dropped: its
// client's view would be wrong.
func (c *wsConn) forward(sub *entity.Subscription) {
	for {
		select {
		case <-c.ctx.Done():
			return
		case ch, ok := <-sub.C:
			if !ok {
				return
			}
			if sub.Dropped() > 0 {
				c.drop("client unable to keep up with state changes")
				return
			}
			c.deliver(ch)
		}
	}
}

func (c *wsConn) deliver(ch entity.Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var event *stateChangedEvent
	var compressed *entitiesEvent
	for id, s := range c.subs {
		if c.ctx.Err() != nil {
			return
		}
		switch {
		case s.entities:
			if !s.wants(ch.EntityID()) {
				continue
			}
			if compressed == nil {
				e := compressedChange(ch)
				compressed = &e
			}
			c.send(wsEvent{ID: id, Type: "event", Event: compressed})
		case s.eventType == "" || s.eventType == eventStateChanged:
			if event == nil {
				event = newStateChanged(ch)
			}
			c.send(wsEvent{ID: id, Type: "event", Event: event})
		}
	}
}

// stateChangedEvent is Home Assistant's Event.as_dict of a state_changed
// event.
type stateChangedEvent struct {
	EventType string           `json:"event_type"`
	Data      stateChangedData `json:"data"`
	Origin    string           `json:"origin"`
	TimeFired entity.Time      `json:"time_fired"`
	Context   entity.Context   `json:"context"`
}

// newStateChanged is the event of a change: fired when the new state was
// written, in its context; a removal gets a context of its own.
func newStateChanged(ch entity.Change) *stateChangedEvent {
	e := &stateChangedEvent{EventType: eventStateChanged, Origin: "LOCAL",
		Data: stateChangedData{EntityID: ch.EntityID(), OldState: ch.Old, NewState: ch.New}}
	if ch.New != nil {
		e.TimeFired, e.Context = ch.New.LastUpdated, ch.New.Context
	} else {
		e.TimeFired, e.Context = entity.Time{Time: time.Now().UTC()}, entity.NewContext("")
	}
	return e
}

// callService is call_service: it runs in the background (other commands
// are answered meanwhile) and answers the call's context, or its failure
// as Home Assistant's handle_call_service does.
func (c *wsConn) callService(id int64, msg map[string]json.RawMessage) error {
	var (
		domain, service string
		data            map[string]any
		target          map[string]any
		returnResponse  bool
	)
	if _, ok := msg["domain"]; !ok {
		return errors.New("required key not provided @ data['domain']. Got None")
	}
	if _, ok := msg["service"]; !ok {
		return errors.New("required key not provided @ data['service']. Got None")
	}
	if err := field(msg, "domain", &domain, "str"); err != nil {
		return err
	}
	if err := field(msg, "service", &service, "str"); err != nil {
		return err
	}
	if err := decodeObject(msg["service_data"], &data, "service_data"); err != nil {
		return err
	}
	if err := decodeObject(msg["target"], &target, "target"); err != nil {
		return err
	}
	if err := field(msg, "return_response", &returnResponse, "bool"); err != nil {
		return err
	}
	if err := noExtra(msg, "domain", "service", "service_data", "target", "return_response"); err != nil {
		return err
	}
	if data == nil {
		data = map[string]any{}
	}
	targets, err := entityIDs(data["entity_id"])
	if err != nil {
		return fmt.Errorf("%v @ data['service_data']['entity_id']", err)
	}
	delete(data, "entity_id")
	more, err := entityIDs(target["entity_id"])
	if err != nil {
		return fmt.Errorf("%v @ data['target']['entity_id']", err)
	}
	targets = append(targets, more...)
	if returnResponse {
		c.fail(id, errServiceValidation, "Validation error: An action which does not return responses can't be called with return_response=True")
		return nil
	}
	c.calls.Add(1)
	go func() {
		defer c.calls.Done()
		ctx := entity.WithUser(c.ctx, wsUser)
		changed, err := c.h.reg.Call(ctx, domain, service, targets, data)
		if err != nil {
			code, text := wsCallError(err)
			if code == errUnknownError || code == errHomeAssistant {
				c.h.log.Warn("web: websocket service call failed", "service", domain+"."+service, "err", err)
			}
			c.fail(id, code, text)
			return
		}
		callCtx := entity.NewContext(wsUser)
		if len(changed) > 0 {
			callCtx = changed[0].Context
		}
		c.result(id, map[string]any{"context": callCtx})
	}()
	return nil
}

// wsCallError maps a failed call to Home Assistant's code and message.
func wsCallError(err error) (code, text string) {
	var e *entity.Error
	if !errors.As(err, &e) {
		return errUnknownError, err.Error()
	}
	switch {
	case e.Key == "service_not_found":
		return errNotFound, "Service not found."
	case e.Kind == entity.KindBadRequest:
		return errInvalidFormat, e.Message
	case e.Kind == entity.KindInvalid:
		return errServiceValidation, "Validation error: " + e.Message
	}
	return errHomeAssistant, e.Message
}

// decodeObject reads an optional JSON object, numbers as json.Number (as
// the REST call reads them).
func decodeObject(raw json.RawMessage, v *map[string]any, name string) error {
	if raw == nil || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil || *v == nil {
		return fmt.Errorf("expected dict for dictionary value @ data['%s']. Got %s", name, raw)
	}
	return nil
}
