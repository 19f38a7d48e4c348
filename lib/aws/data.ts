/**
 * The data layer: the single table (key schema in functions/store/schema.ts), the private
 * documents bucket and the event bus.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE } from '../../functions/store/schema.ts';

/**
 * Bucket names are fixed per stage, account and region (globally unique), so that IAM
 * statements on their objects read the same in every stack and can be reviewed as text.
 */
export function documentsBucketName(stage: string): string {
  return `lendstack-${stage}-documents-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export interface DataProps {
  stage: string;
  /** Keep data when the stack is deleted (live stages); sandbox stages are disposable. */
  retain: boolean;
}

export class Data extends Construct {
  readonly table: TableV2;
  readonly documents: Bucket;
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const { byCollection, byServiceDate } = TABLE.indexes;

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TABLE.ttlAttribute,
      deletionProtection: props.retain,
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: 'byCollection',
          partitionKey: { name: byCollection.partitionKey, type: AttributeType.STRING },
          sortKey: { name: byCollection.sortKey, type: AttributeType.STRING },
        },
        {
          indexName: 'byServiceDate',
          partitionKey: { name: byServiceDate.partitionKey, type: AttributeType.STRING },
          sortKey: { name: byServiceDate.sortKey, type: AttributeType.STRING },
          projectionType: ProjectionType.INCLUDE,
          nonKeyAttributes: [...byServiceDate.include],
        },
      ],
    });

    const accessLogs = new Bucket(this, 'AccessLogs', {
      bucketName: `lendstack-${props.stage}-access-logs-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects: !props.retain,
    });

    this.documents = new Bucket(this, 'Documents', {
      bucketName: documentsBucketName(props.stage),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'documents/',
      // Presigned PUTs come straight from browsers and apps.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['*'], maxAge: 3000 }],
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { noncurrentVersionExpiration: Duration.days(30) },
        // Sandbox documents reset like sandbox data (keys start with the mode).
        { prefix: 'sandbox/', expiration: Duration.days(30) },
        // Reports are kept 30 days in both modes, as their records are (#store/reports).
        { prefix: 'reports/', expiration: Duration.days(30) },
      ],
      removalPolicy,
      autoDeleteObjects: !props.retain,
    });

    this.bus = new EventBus(this, 'Bus', { description: 'lendstack domain events (from the table outbox)' });
  }
}
