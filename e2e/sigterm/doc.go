// Package sigterm holds the shutdown tests of the services: each, under
// load, gets SIGTERM (as Kubernetes sends it) and must exit within its
// drain deadline, having committed exactly what it produced output for,
// left its consumer group, and lost nothing a restart does not pick up.
package sigterm
