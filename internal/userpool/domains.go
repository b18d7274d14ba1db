package userpool

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/userpool/userpool/internal/store"
)

// User pool domains (issue 16; issue 17 serves the hosted UI on them). A
// prefix domain is one label Cognito puts under
// auth.<region>.amazoncognito.com; a custom domain is a host name the
// caller owns, given with CustomDomainConfig. Names are unique across every
// pool; a pool has at most one of each kind.

// domainDoc is the stored domain.
type domainDoc struct {
	Custom                 bool   `json:"Custom"`
	CertificateArn         string `json:"CertificateArn,omitempty"`
	CloudFrontDistribution string `json:"CloudFrontDistribution"`
	Version                string `json:"Version"`
	ManagedLoginVersion    int32  `json:"ManagedLoginVersion"`
}

// CustomDomainConfigType holds a custom domain's certificate.
type CustomDomainConfigType struct {
	CertificateArn string `json:"CertificateArn,omitempty"`
}

// DomainDescriptionType is a domain as DescribeUserPoolDomain answers it.
// Every member is omitted for an unknown domain, which Cognito answers
// with an empty description rather than an error.
type DomainDescriptionType struct {
	UserPoolId             string                  `json:"UserPoolId,omitempty"`
	AWSAccountId           string                  `json:"AWSAccountId,omitempty"`
	Domain                 string                  `json:"Domain,omitempty"`
	S3Bucket               string                  `json:"S3Bucket,omitempty"`
	CloudFrontDistribution string                  `json:"CloudFrontDistribution,omitempty"`
	Version                string                  `json:"Version,omitempty"`
	Status                 string                  `json:"Status,omitempty"`
	CustomDomainConfig     *CustomDomainConfigType `json:"CustomDomainConfig,omitempty"`
	ManagedLoginVersion    int32                   `json:"ManagedLoginVersion,omitempty"`
}

// prefixPattern is the model's DomainType pattern, which Cognito applies
// to prefixes only (apimodel/gen unenforcedPatterns).
var prefixPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`)

// reservedWords may not appear in a prefix (Cognito developer guide).
var reservedWords = []string{"aws", "amazon", "cognito"}

func checkDomainName(name string, custom bool) error {
	if custom {
		labels := strings.Split(name, ".")
		for _, l := range labels {
			if !prefixPattern.MatchString(l) {
				return errCustomDomainName
			}
		}
		if len(labels) < 2 {
			return errCustomDomainName
		}
		return nil
	}
	if !prefixPattern.MatchString(name) {
		return errDomainCharacters
	}
	for _, w := range reservedWords {
		if strings.Contains(name, w) {
			return errDomainReservedWord(w)
		}
	}
	return nil
}

// s3Airports names the region part of Cognito's hosted UI asset buckets
// (aws-cognito-prod-pdx-assets in the AWS CLI example for us-west-2).
var s3Airports = map[string]string{"us-east-1": "iad", "us-east-2": "cmh", "us-west-1": "sfo", "us-west-2": "pdx",
	"eu-west-1": "dub", "eu-west-2": "lhr", "eu-central-1": "fra", "ap-southeast-1": "sin", "ap-southeast-2": "syd",
	"ap-northeast-1": "nrt", "ap-south-1": "bom", "ca-central-1": "yul", "sa-east-1": "gru"}

func (s *Service) domainDescription(d *store.Domain, doc *domainDoc) *DomainDescriptionType {
	out := &DomainDescriptionType{UserPoolId: d.PoolID, AWSAccountId: s.cfg.AccountID, Domain: d.Name,
		S3Bucket:               "aws-cognito-prod-" + firstNonEmpty(s3Airports[s.cfg.Region], s.cfg.Region) + "-assets",
		CloudFrontDistribution: doc.CloudFrontDistribution, Version: doc.Version, Status: "ACTIVE",
		CustomDomainConfig: &CustomDomainConfigType{CertificateArn: doc.CertificateArn}, ManagedLoginVersion: doc.ManagedLoginVersion}
	return out
}

func decodeDomain(d *store.Domain) (*domainDoc, error) {
	doc := new(domainDoc)
	if err := json.Unmarshal(d.Config, doc); err != nil {
		return nil, errors.New("domain " + d.Name + ": corrupt document: " + err.Error())
	}
	return doc, nil
}

// poolDomains returns the pool's prefix and custom domain ("" for none),
// for DescribeUserPool's Domain and CustomDomain.
func poolDomains(ctx context.Context, st store.Store, poolID string) (prefix, custom string, err error) {
	ds, err := st.ListDomains(ctx, poolID)
	if err != nil {
		return "", "", err
	}
	for _, d := range ds {
		doc, err := decodeDomain(d)
		if err != nil {
			return "", "", err
		}
		if doc.Custom {
			custom = d.Name
		} else {
			prefix = d.Name
		}
	}
	return prefix, custom, nil
}

// loadPoolDomain returns a domain of the pool, or the InvalidParameter
// error Cognito gives a domain that is not the pool's.
func (s *Service) loadPoolDomain(ctx context.Context, st store.Store, poolID, name string) (*store.Domain, *domainDoc, error) {
	if _, err := s.loadPool(ctx, st, poolID); err != nil {
		return nil, nil, err
	}
	d, err := st.GetDomain(ctx, name)
	if errors.Is(err, store.ErrNotFound) || (err == nil && d.PoolID != poolID) {
		return nil, nil, errDomainNotInPool
	}
	if err != nil {
		return nil, nil, err
	}
	doc, err := decodeDomain(d)
	return d, doc, err
}
