/**
 * The fake PAN-OS and fake Defender in their own process, as a firewall is another machine: the bench
 * (bench/cases/push.ts) forks this file with an IPC channel, so the fakes' CPU runs beside the
 * client's instead of between its steps, for the node and for the raw replay alike.
 * Sends `{ panos, defender }` (their URLs) once listening, then answers each `{ id, fake, call }`
 * message (`call`: reset | stats) with `{ id, result }`.
 */
import { startFakeDefender } from './defender.ts';
import { startFakePanos } from './panos.ts';

export interface FakeStats {
	/** Requests served (not 429) to the bucket that carries the entries: PAN-OS `api`, Defender `import`. */
	served: number;
	count429: number;
	/** Live entries: PAN-OS registered IPs, Defender indicators. */
	active: number;
}

const panos = await startFakePanos();
const defender = await startFakeDefender();

function stats(fake: 'panos' | 'defender'): FakeStats {
	if (fake === 'panos') return { served: panos.served('api').length, count429: panos.count429, active: Object.keys(panos.state()).length };
	return { served: defender.served('import').length, count429: defender.count429, active: defender.active().length };
}

process.on('message', (message: { id: number; fake: 'panos' | 'defender'; call: 'reset' | 'stats' }) => {
	const server = message.fake === 'panos' ? panos : defender;
	if (message.call === 'reset') server.reset();
	process.send?.({ id: message.id, result: message.call === 'stats' ? stats(message.fake) : null });
});
process.on('disconnect', () => {
	void Promise.all([panos.close(), defender.close()]).then(() => process.exit(0));
});
process.send?.({ panos: panos.url, defender: defender.url });
