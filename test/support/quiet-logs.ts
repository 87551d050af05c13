// Functions log one JSON line per call; tests that look at logs set WXOPEN_LOG_LEVEL themselves.
process.env['WXOPEN_LOG_LEVEL'] ??= 'silent';
