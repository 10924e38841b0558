/** Parent side of the test-only page actor (see CorrespondentPageChild.sys.mjs). */
export class CorrespondentPageParent extends JSWindowActorParent {}
