/** Journey API schemas (shared/specs/journey-api.txt): field names exactly as the spec's samples. */
import * as z from 'zod';
import { IFSC_PATTERN, PAN_PATTERN, PINCODE_PATTERN } from '#core/identity';
import { mobileNumber } from '../fields.ts';

/** Every journey response: `{ data, error, statusCode }`. */
export const envelope = <T extends z.ZodType>(data: T) => z.object({ data, error: z.string(), statusCode: z.string() });

export const PROGRAMS = ['PERSONAL_LOAN', 'EDI', 'BUSINESS_LOAN'] as const;

export const customerId = z
  .string({ error: 'is required' })
  .min(1, 'is required')
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain letters, digits and _ . : - only');

export const createUserBody = z.object({
  customerID: customerId,
  mobile: mobileNumber('IN', 'Indian mobile number, 10 digits (a +91 or 0 prefix is accepted)'),
});

const address = z.object({
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  pincode: z.string().regex(PINCODE_PATTERN, 'must be a 6-digit PIN code').or(z.literal('')).optional(),
  landmark: z.string().optional(),
});

/** The spec marks only the consents array mandatory: a consent's type says what it is, the rest is optional. */
const consent = z.object({
  type: z.string().min(1),
  timestamp: z.string().optional(),
  body: z.string().optional(),
  ipAddress: z.string().optional(),
  url: z.string().optional(),
});

export const updateDetailsBody = z.object({
  customerID: customerId,
  program: z.enum(PROGRAMS, { error: `must be one of ${PROGRAMS.join(', ')}` }),
  basicDetails: z
    .object({
      personalDetails: z
        .object({
          pan: z.string().regex(PAN_PATTERN, 'is not a valid PAN').optional(),
          email: z.email().optional(),
          name: z.string().min(1).max(200).optional(),
          dob: z.iso.date({ error: 'must be a date YYYY-MM-DD' }).optional(),
          gender: z.enum(['MALE', 'FEMALE', 'OTHER']).optional(),
          currentAddress: z
            .object({
              pincode: z.string().regex(PINCODE_PATTERN, 'must be a 6-digit PIN code'),
              currentAddressLine1: z.string().optional(),
              currentAddressLine2: z.string().optional(),
              currentAddressCity: z.string().optional(),
              currentAddressState: z.string().optional(),
            })
            .loose()
            .optional(),
        })
        .loose()
        .optional(),
      employmentDetails: z
        .object({
          employmentType: z.string().optional(),
          monthlyIncome: z.string().optional(),
          email: z.email().optional(),
          employmentOrganization: z.string().optional(),
          address: address.optional(),
        })
        .loose()
        .optional(),
      businessDetails: z.object({ address: address.optional() }).loose().optional(),
    })
    .loose()
    .optional(),
  mandateDetails: z
    .object({
      accountNumber: z.string().regex(/^\d{9,18}$/, 'must be 9 to 18 digits'),
      ifsc: z.string().regex(IFSC_PATTERN, 'is not a valid IFSC'),
    })
    .loose()
    .optional(),
  loanDetails: z.object({}).loose().optional(),
  consents: z.array(consent).min(1, 'must hold at least one consent'),
  riskVariables: z.unknown().optional(),
  additionalData: z.unknown().optional(),
});

export const messageData = envelope(z.object({ message: z.string(), stage: z.string().optional() }));

export const bankListQuery = z.object({ customerID: customerId.optional() });

export const bankListResponse = z.object({
  count: z.number().int(),
  banks: z.array(
    z.object({
      name: z.string(),
      fullName: z.string(),
      npciCode: z.string(),
      logoUrl: z.string(),
      isPdfUpload_available: z.boolean(),
      isNetBanking_available: z.boolean(),
      isAaAvailable: z.boolean(),
    }),
  ),
  statusCode: z.string(),
});

/** Every journey error, as the spec's samples: `data` is an empty object, never null. */
export const journeyError = z.object({ data: z.object({}), error: z.string(), statusCode: z.string() });

/** The session endpoint's errors keep its sample's key (`status`). */
export const sessionError = z.object({ data: z.object({}), error: z.string(), status: z.string() });

export const triggerOffersBody = z.object({
  customerID: customerId,
  riskVariables: z.unknown().optional().describe('Partner-specific BRE inputs; empty unless agreed'),
});

/**
 * An id lendstack issued (`bre_…`, `kyr_…`, `ofr_…`: 30 characters). Bounded like customerID: a
 * longer one names nothing, and as part of a table key (at most 2 KB) it would fail the read.
 */
const issuedId = z.string({ error: 'is required' }).min(1, 'is required').max(64);

export const referenceQuery = z.object({
  referenceID: issuedId,
});

export const referenceData = envelope(z.object({ referenceID: z.string() }));

export const offersData = envelope(
  z.object({
    dataRequired: z.object({}).nullable(),
    offers: z
      .array(
        z.object({
          createdAt: z.string(),
          expiresAt: z.string(),
          lenderID: z.string(),
          lenderLogoURL: z.string(),
          lenderName: z.string(),
          offerID: z.string(),
          offerType: z.literal('final'),
          slabs: z.array(
            z.object({
              maxAmount: z.number(),
              minAmount: z.number(),
              tenure: z.number(),
              interest: z.number(),
              method: z.string(),
              processingFee: z.number(),
              processingFeeType: z.string(),
              gst: z.number(),
            }),
          ),
          status: z.enum(['ACTIVE', 'EXPIRED']),
        }),
      )
      .nullable(),
    outputVariables: z.record(z.string(), z.unknown()).nullable(),
    rejectionReason: z.enum(['PRE_BRE_REJECT', 'LENDER_BRE_REJECT']).nullable(),
    referenceID: z.string(),
    status: z.enum(['PROCESSING', 'SUCCESS', 'REJECTED', 'FAILED']),
  }),
);

export const acceptOfferBody = z.object({
  customerID: customerId,
  offerDetails: z
    .object({
      offerID: issuedId,
      amount: z.number().positive(),
      tenure: z.number().int().positive().describe('Months'),
      interest: z.number().nonnegative().describe('Percent per year'),
    })
    .loose(),
});

export const loanStepBody = z.object({
  customerID: customerId,
  program: z.enum(PROGRAMS, { error: `must be one of ${PROGRAMS.join(', ')}` }).optional(),
});

export const agreementData = envelope(
  z.object({ status: z.enum(['PROCESSING', 'SUCCESS', 'REJECTED', 'FAILED']), agreementURL: z.string().nullable() }),
);

export const disbursalData = envelope(
  z.object({
    status: z.enum(['PROCESSING', 'SUCCESS', 'FAILED']),
    message: z.string(),
    referenceID: z.string().optional(),
    customerID: z.string().optional(),
    utrNumber: z.string().optional(),
    disbursedAt: z.string().optional(),
    disbursedAmount: z.number().optional(),
    loanAccountNumber: z.string().optional(),
  }),
);

export const sessionBody = z.object({
  customerID: customerId,
  redirectURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
});

/** The spec's session response names its code `status`, not `statusCode`. */
export const sessionResponse = z.object({ data: z.object({ url: z.string() }), error: z.string(), status: z.string() });

export const sessionParams = z.object({ sessionId: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'is not a session id') });

export const kycTriggerBody = z.object({
  customerID: customerId,
  program: z.enum(PROGRAMS, { error: `must be one of ${PROGRAMS.join(', ')}` }).optional(),
});

export const kycOtpBody = z.object({
  referenceID: issuedId,
  otp: z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits'),
});
