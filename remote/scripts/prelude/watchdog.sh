# Cancelling: Raydeck closes the channel (sshd refuses "signal" requests for root logins), so
# the end of stdout's reader is the signal. A watchdog polls stdout and ends the whole process
# group when it breaks; it is stopped when the script ends (it would hold the channel open).
trap 'trap - TERM HUP INT; kill -TERM 0 2>/dev/null; exit 143' TERM HUP INT
python3 -c 'import os, select, signal
p = select.poll(); p.register(1, 0)
while not any(e & (select.POLLERR | select.POLLHUP) for _, e in p.poll()): pass
os.killpg(0, signal.SIGTERM)' </dev/null 2>/dev/null &
watchdog=$!
trap 'kill $watchdog 2>/dev/null' EXIT
