export { SAMPLE_RATE, FRAME_MS, FRAME_SAMPLES, SILENT_FRAME } from './frame.js';
export { CODECS, decodeFrame, encodeFrame, silenceByte, silentPayload, transcodeFrame, type Codec } from './codec.js';
export { Tone, Loop, pcmFromBytes, goertzelAmplitude, levelDbfs } from './tone.js';
export { hears, hearsHoldMusic, hearingMatrix, type MixParty, type PartyRole, type RoomFlags } from './hearing.js';
export { CallMixer, type PcmSource } from './mixer.js';
export { AudioRoom, RecordingEndpoint, type CallRoom, type Endpoint, type PhoneLink, type TelephoneEvent } from './room.js';
