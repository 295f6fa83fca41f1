package oauth

// Temporary bodies so that consumers compile while the server is built.
// The implementation replaces every function here and deletes this file.

import "net/http"

// Server is the simulated Tesla OAuth server.
type Server struct{}

func New(opts Options) (*Server, error)                           { panic("oauth: unimplemented") }
func (s *Server) Register(mux *http.ServeMux)                     { panic("oauth: unimplemented") }
func (s *Server) Authenticate(r *http.Request) (Principal, error) { panic("oauth: unimplemented") }
func (s *Server) AddApp(a App)                                    { panic("oauth: unimplemented") }
func (s *Server) App(clientID string) (App, bool)                 { panic("oauth: unimplemented") }
func (s *Server) DemoApp() App                                    { panic("oauth: unimplemented") }
func (s *Server) Mint(account, clientID string, scopes []string) (Tokens, error) {
	panic("oauth: unimplemented")
}
func (s *Server) Stats() map[string]int { panic("oauth: unimplemented") }
