package pubrio

// LiveRuns counts the bulk runs still open on c: a test sees a finalizer
// close a run with it.
func LiveRuns(c *Client) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.bulks)
}
