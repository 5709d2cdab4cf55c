import { APPS_LABEL, deriveApps, MAX_APPS } from './apps';

describe('deriveApps', () => {
  describe('from ExposedPorts', () => {
    it('names well-known ports', () => {
      const apps = deriveApps({
        exposedPorts: ['8888/tcp', '22/tcp', '7860/tcp', '6006/tcp', '8501/tcp', '8265/tcp', '8000/tcp', '8080/tcp', '80/tcp', '3000/tcp', '5000/tcp'],
      });
      expect(apps).toEqual([
        { name: 'ssh', port: 22, protocol: 'TCP', isUI: false },
        { name: 'http', port: 80, protocol: 'HTTP', isUI: true },
        { name: 'web', port: 3000, protocol: 'HTTP', isUI: true },
        { name: 'http-5000', port: 5000, protocol: 'HTTP', isUI: false },
        { name: 'tensorboard', port: 6006, protocol: 'HTTP', isUI: true },
        { name: 'gradio', port: 7860, protocol: 'HTTP', isUI: true },
        { name: 'api', port: 8000, protocol: 'HTTP', isUI: false },
        { name: 'http-8080', port: 8080, protocol: 'HTTP', isUI: true },
        { name: 'ray-dashboard', port: 8265, protocol: 'HTTP', isUI: true },
        { name: 'streamlit', port: 8501, protocol: 'HTTP', isUI: true },
        { name: 'jupyter', port: 8888, protocol: 'HTTP', isUI: true },
      ]);
    });

    it('treats a bare port as TCP, UDP ports as UDP, unknown TCP ports as port-<n>', () => {
      expect(deriveApps({ exposedPorts: ['9000', '53/udp', '8888/udp', '9001/TCP'] })).toEqual([
        { name: 'port-53-udp', port: 53, protocol: 'UDP', isUI: false },
        { name: 'port-8888-udp', port: 8888, protocol: 'UDP', isUI: false },
        { name: 'port-9000', port: 9000, protocol: 'TCP', isUI: false },
        { name: 'port-9001', port: 9001, protocol: 'TCP', isUI: false },
      ]);
    });

    it('keeps TCP and UDP on the same port, TCP first, and removes duplicates', () => {
      expect(deriveApps({ exposedPorts: ['53/udp', '53/tcp', '53', '53/udp'] })).toEqual([
        { name: 'port-53', port: 53, protocol: 'TCP', isUI: false },
        { name: 'port-53-udp', port: 53, protocol: 'UDP', isUI: false },
      ]);
    });

    it.each([['0/tcp'], ['65536/tcp'], ['80/sctp'], ['8000-8010/tcp'], ['abc'], ['']])('ignores %j', (key) => {
      expect(deriveApps({ exposedPorts: [key] })).toEqual([]);
    });

    it('returns no apps for an image without ports or labels', () => {
      expect(deriveApps({})).toEqual([]);
    });

    it(`caps the list at ${MAX_APPS} apps, lowest ports first`, () => {
      const exposedPorts = Array.from({ length: 200 }, (_, i) => `${20000 - i}/tcp`);
      const apps = deriveApps({ exposedPorts });
      expect(apps).toHaveLength(MAX_APPS);
      expect(apps[0].port).toBe(20000 - 199);
    });
  });

  describe(`from the ${APPS_LABEL} label`, () => {
    const label = JSON.stringify([
      { name: 'vllm', port: 8000, protocol: 'HTTP', isUI: false },
      { name: 'Chat UI', port: 3000, protocol: 'WebSocket', isUI: true },
    ]);

    it('uses a valid label instead of the exposed ports, sorted by port', () => {
      expect(deriveApps({ labels: { [APPS_LABEL]: label }, exposedPorts: ['8888/tcp'] })).toEqual([
        { name: 'Chat UI', port: 3000, protocol: 'WebSocket', isUI: true },
        { name: 'vllm', port: 8000, protocol: 'HTTP', isUI: false },
      ]);
    });

    it('accepts an empty list as "no apps"', () => {
      expect(deriveApps({ labels: { [APPS_LABEL]: '[]' }, exposedPorts: ['8888/tcp'] })).toEqual([]);
    });

    it('drops duplicate ports in the label, keeping the first', () => {
      const dup = JSON.stringify([
        { name: 'a', port: 8000, protocol: 'HTTP', isUI: false },
        { name: 'b', port: 8000, protocol: 'TCP', isUI: false },
      ]);
      expect(deriveApps({ labels: { [APPS_LABEL]: dup } })).toEqual([{ name: 'a', port: 8000, protocol: 'HTTP', isUI: false }]);
    });

    it.each([
      ['not JSON', '{oops'],
      ['an object', '{"name":"a"}'],
      ['a missing name', '[{"port":1,"protocol":"TCP","isUI":false}]'],
      ['an empty name', '[{"name":"","port":1,"protocol":"TCP","isUI":false}]'],
      ['a bad port', '[{"name":"a","port":0,"protocol":"TCP","isUI":false}]'],
      ['a fractional port', '[{"name":"a","port":80.5,"protocol":"TCP","isUI":false}]'],
      ['a string port', '[{"name":"a","port":"80","protocol":"TCP","isUI":false}]'],
      ['an unknown protocol', '[{"name":"a","port":80,"protocol":"HTTPS","isUI":false}]'],
      ['a lowercase protocol', '[{"name":"a","port":80,"protocol":"http","isUI":false}]'],
      ['a non-boolean isUI', '[{"name":"a","port":80,"protocol":"HTTP","isUI":"yes"}]'],
      ['a null entry', '[null]'],
      ['one bad entry among good ones', '[{"name":"a","port":80,"protocol":"HTTP","isUI":true},{"name":"b"}]'],
    ])('falls back to ExposedPorts when the label has %s', (_case, value) => {
      expect(deriveApps({ labels: { [APPS_LABEL]: value }, exposedPorts: ['8888/tcp'] })).toEqual([
        { name: 'jupyter', port: 8888, protocol: 'HTTP', isUI: true },
      ]);
    });

    it('ignores an oversized label', () => {
      const big = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ name: `app-${i}`, port: i + 1, protocol: 'TCP', isUI: false })));
      expect(deriveApps({ labels: { [APPS_LABEL]: big }, exposedPorts: ['22/tcp'] })).toEqual([
        { name: 'ssh', port: 22, protocol: 'TCP', isUI: false },
      ]);
    });
  });
});
