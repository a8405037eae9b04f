package web

import (
	"net"
	"sync"
)

// limitListener accepts at most cap(slots) connections open at once.
// Beyond that Accept waits for one to close, and new clients wait in the
// kernel's backlog: a flood of idle connections costs a socket each, not
// a goroutine and buffers each.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
}

func limit(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), closed: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, free: l.slots}, nil
}

// Close also ends an Accept waiting for a slot.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// limitConn frees its slot when it is first closed.
type limitConn struct {
	net.Conn
	free     chan struct{}
	freeOnce sync.Once
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.freeOnce.Do(func() { <-c.free })
	return err
}

// CloseWrite shuts the sending side where the connection can (TCP), as
// net/http does before closing a connection in error.
func (c *limitConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
