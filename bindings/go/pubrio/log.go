package pubrio

// The C library's log callback lands here. A file with an //export may
// only declare in its preamble, so the C side of the hook (the trampoline
// that takes a const char *) is in log_hook.go.

/*
#include <pubrio/pubrio.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// LogLevel is how much the library logs, most severe first.
type LogLevel int

// The levels of the C library (pubrio_log_level).
const (
	LogError LogLevel = C.PUBRIO_LOG_ERROR // a call failed
	LogWarn  LogLevel = C.PUBRIO_LOG_WARN  // a retry or a rate-limit wait
	LogInfo  LogLevel = C.PUBRIO_LOG_INFO  // one line per HTTP request and response
	LogDebug LogLevel = C.PUBRIO_LOG_DEBUG // request and response bodies: contacts, personal data
)

// Logger receives the library's log lines. A *slog.Logger (log/slog, Go
// 1.21 and later) is one as it is; so is anything with these four methods.
// The lines are finished sentences without attributes, and never hold the
// API key. They arrive on the goroutine making the call, while the client
// is busy: a Logger must not call the client.
type Logger interface {
	Debug(msg string, args ...any)
	Info(msg string, args ...any)
	Warn(msg string, args ...any)
	Error(msg string, args ...any)
}

// WithLogger sends the library's log lines up to maxLevel to logger (LogInfo
// is one line per request; LogDebug adds the bodies, which hold the
// contacts bought). A bulk run that leaves something paid and not delivered
// also says so at the warning level, whatever its caller does with Close's
// error.
func WithLogger(logger Logger, maxLevel LogLevel) Option {
	return func(c *config) {
		if logger == nil || maxLevel < LogError || maxLevel > LogDebug {
			if c.err == nil {
				c.err = &Error{Status: ErrInvalidArgument, RetryAfter: -1,
					Message: "WithLogger needs a logger and a level from LogError to LogDebug"}
			}
			return
		}
		c.logger, c.logLevel = logger, maxLevel
	}
}

//export goPubrioLog
func goPubrioLog(level C.pubrio_log_level, message *C.char, userdata unsafe.Pointer) {
	logger, ok := cgo.Handle(uintptr(userdata)).Value().(Logger)
	if !ok {
		return
	}
	logAt(logger, LogLevel(level), C.GoString(message))
}

// logAt hands one line to the logger's method for its level.
func logAt(logger Logger, level LogLevel, msg string) {
	switch level {
	case LogError:
		logger.Error(msg)
	case LogWarn:
		logger.Warn(msg)
	case LogInfo:
		logger.Info(msg)
	default:
		logger.Debug(msg)
	}
}
