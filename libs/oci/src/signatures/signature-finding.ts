import { z } from 'zod';

/** What was found about one signature of the image: one entry of the report's `signatures`. */
export const SignatureFindingSchema = z
  .object({
    key_name: z.string().nullable().meta({
      description:
        'The trusted key the signature belongs to: the key it verifies with, or the key its transparency-log entry names when it does not verify. Null when no trusted key made it.',
    }),
    verified: z.boolean().meta({
      description:
        'True when the signature checks against the trusted key, signs the resolved digest (critical.image.docker-manifest-digest) and names the template\'s repository (critical.identity.docker-reference).',
    }),
    reason: z.string().nullable().meta({ description: 'Why the signature does not count, or null when it is verified.' }),
  })
  .meta({ id: 'SignatureFinding', description: 'One signature of the validated digest, checked against the organization\'s trusted keys.' });

export type SignatureFinding = z.infer<typeof SignatureFindingSchema>;
