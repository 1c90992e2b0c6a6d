/** The part of navigator.xr this client asks (WebXR Device API). */
export interface XrSystemLike {
  isSessionSupported(mode: "immersive-vr"): Promise<boolean>;
}

export type XrSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };

/**
 * Whether "Enter VR" can work here, and if not, why, in words a user can act on. Never throws: a browser that
 * refuses the question is reported as unsupported with its own message.
 */
export async function detectImmersiveVr(xr: XrSystemLike | undefined, secureContext: boolean): Promise<XrSupport> {
  if (!secureContext) return { supported: false, reason: "VR needs a secure connection: open Proximity over HTTPS (or on localhost)." };
  if (!xr) return { supported: false, reason: "This browser has no WebXR. Open Proximity in a headset's browser (such as Meta Quest Browser) to walk the hall in VR." };
  try {
    if (await xr.isSessionSupported("immersive-vr")) return { supported: true };
    return { supported: false, reason: "No VR headset is available to this browser. Connect one, or open Proximity in the headset's own browser." };
  } catch (error) {
    return { supported: false, reason: `The browser would not start VR: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function browserXr(): XrSystemLike | undefined {
  return (navigator as Navigator & { xr?: XrSystemLike }).xr;
}
