// Where the phone is, and how far a tree is from it. Distances are great-circle (haversine on
// the mean Earth radius): within a few kilometres that is the true distance to a decimetre, which
// is all a list sorted "nearest first" needs.
export interface Position {
  lon: number;
  lat: number;
  accuracy: number; // metres, as the phone says
}

export type PositionFailure = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

export class PositionError extends Error {
  constructor(readonly reason: PositionFailure) {
    super(reason);
    this.name = 'PositionError';
  }
}

const earthRadius = 6371008.8; // metres, IUGG mean radius

export function distance(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadius * Math.asin(Math.min(1, Math.sqrt(h)));
}

// Asked when a field screen is opened (not on page load): the browser's permission prompt then
// comes from something the user just did.
export function currentPosition(): Promise<Position> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new PositionError('unsupported'));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lon: p.coords.longitude, lat: p.coords.latitude, accuracy: p.coords.accuracy }),
      (e) => {
        const reason: PositionFailure =
          e.code === e.PERMISSION_DENIED ? 'denied' : e.code === e.TIMEOUT ? 'timeout' : 'unavailable';
        reject(new PositionError(reason));
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 },
    );
  });
}
