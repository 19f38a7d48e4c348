/** An offline e-KYC XML in UIDAI's shape (signature element present, not a real signature). */
export const sampleAadhaarXml = (name = 'Test User', dob = '18-11-1997') => `<?xml version="1.0" encoding="UTF-8"?>
<OfflinePaperlessKyc referenceId="123420181031153012345">
  <UidData>
    <Poi dob="${dob}" e="" gender="M" m="" name="${name}"/>
    <Poa careof="" country="India" dist="Buldana" house="12" landmark="" lm="Shakuntal Nursing Home" loc="some line 2" pc="444303" po="" state="Maharashtra" street="Shriram Chowk" subdist="Khamgaon" vtc="Khamgaon"/>
    <Pht>/9j/4AAQSkZJRg==</Pht>
  </UidData>
  <Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>
</OfflinePaperlessKyc>`;
