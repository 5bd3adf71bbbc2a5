# copied from shared/seed/000_745aa4d756e45f8d.txt §6.1 (security/audit_service.py); changes: none to the code below.
#   - `elasticsearch` resolves to the shim in this directory: every AsyncElasticsearch call raises,
#     so the document's own try/except paths behave as "no ES" (_count_recent_failures -> 0)

# security/audit_service.py
import json
import asyncio
from typing import Dict, List, Any, Optional
from datetime import datetime, timedelta
from dataclasses import dataclass, asdict
from enum import Enum
import redis
import logging
from elasticsearch import AsyncElasticsearch

class AuditEventType(Enum):
    USER_LOGIN = "user_login"
    USER_LOGOUT = "user_logout"
    USER_REGISTRATION = "user_registration"
    PASSWORD_CHANGE = "password_change"
    MFA_ENABLED = "mfa_enabled"
    MFA_DISABLED = "mfa_disabled"
    API_ACCESS = "api_access"
    DATA_EXPORT = "data_export"
    PERMISSION_CHANGE = "permission_change"
    SUSPICIOUS_ACTIVITY = "suspicious_activity"
    SECURITY_VIOLATION = "security_violation"

@dataclass
class AuditEvent:
    event_id: str
    event_type: AuditEventType
    user_id: Optional[str]
    ip_address: str
    user_agent: str
    timestamp: datetime
    resource: Optional[str]
    action: str
    result: str  # success, failure, error
    details: Dict[str, Any]
    severity: str  # low, medium, high, critical

class AuditService:
    def __init__(self, redis_url: str = "redis://localhost:6379", elasticsearch_url: str = "http://localhost:9200"):
        self.redis = redis.from_url(redis_url, decode_responses=True)
        self.elasticsearch = AsyncElasticsearch([elasticsearch_url])
        self.logger = logging.getLogger(__name__)
        
        # 이벤트 보관 기간
        self.retention_days = {
            AuditEventType.USER_LOGIN: 90,
            AuditEventType.USER_LOGOUT: 30,
            AuditEventType.USER_REGISTRATION: 365,
            AuditEventType.PASSWORD_CHANGE: 365,
            AuditEventType.MFA_ENABLED: 365,
            AuditEventType.MFA_DISABLED: 365,
            AuditEventType.API_ACCESS: 30,
            AuditEventType.DATA_EXPORT: 365,
            AuditEventType.PERMISSION_CHANGE: 365,
            AuditEventType.SUSPICIOUS_ACTIVITY: 365,
            AuditEventType.SECURITY_VIOLATION: 1825  # 5년
        }
    
    async def log_event(
        self,
        event_type: AuditEventType,
        user_id: Optional[str],
        ip_address: str,
        user_agent: str,
        action: str,
        result: str,
        resource: Optional[str] = None,
        details: Optional[Dict[str, Any]] = None,
        severity: str = "medium"
    ):
        """감사 이벤트 기록"""
        
        event_id = f"audit_{int(datetime.utcnow().timestamp() * 1000)}_{hash(ip_address)}"
        
        event = AuditEvent(
            event_id=event_id,
            event_type=event_type,
            user_id=user_id,
            ip_address=ip_address,
            user_agent=user_agent,
            timestamp=datetime.utcnow(),
            resource=resource,
            action=action,
            result=result,
            details=details or {},
            severity=severity
        )
        
        # Redis에 저장 (실시간 조회용)
        await self._store_event_redis(event)
        
        # Elasticsearch에 저장 (장기 보관 및 검색용)
        await self._store_event_elasticsearch(event)
        
        # 보안 경고 확인
        await self._check_security_alerts(event)
    
    async def _store_event_redis(self, event: AuditEvent):
        """Redis에 이벤트 저장"""
        
        event_data = asdict(event)
        event_data["timestamp"] = event.timestamp.isoformat()
        event_data["event_type"] = event.event_type.value
        
        # 이벤트 저장
        self.redis.setex(
            f"audit_event:{event.event_id}",
            86400,  # 24시간
            json.dumps(event_data)
        )
        
        # 사용자별 이벤트 목록
        if event.user_id:
            self.redis.lpush(
                f"user_events:{event.user_id}",
                event.event_id
            )
            self.redis.ltrim(f"user_events:{event.user_id}", 0, 999)  # 최근 1000개
        
        # IP별 이벤트 목록
        self.redis.lpush(
            f"ip_events:{event.ip_address}",
            event.event_id
        )
        self.redis.ltrim(f"ip_events:{event.ip_address}", 0, 999)
        
        # 보안 이벤트 목록
        if event.event_type in [AuditEventType.SUSPICIOUS_ACTIVITY, AuditEventType.SECURITY_VIOLATION]:
            self.redis.lpush("security_events", event.event_id)
            self.redis.ltrim("security_events", 0, 999)
    
    async def _store_event_elasticsearch(self, event: AuditEvent):
        """Elasticsearch에 이벤트 저장"""
        
        event_data = asdict(event)
        event_data["timestamp"] = event.timestamp.isoformat()
        event_data["event_type"] = event.event_type.value
        
        # 인덱스 이름 (날짜별)
        index_name = f"audit_logs-{event.timestamp.strftime('%Y.%m')}"
        
        try:
            await self.elasticsearch.index(
                index=index_name,
                id=event.event_id,
                body=event_data
            )
        except Exception as e:
            self.logger.error(f"Failed to store audit event in Elasticsearch: {e}")
    
    async def get_user_events(
        self,
        user_id: str,
        event_type: Optional[AuditEventType] = None,
        start_date: Optional[datetime] = None,
        end_date: Optional[datetime] = None,
        limit: int = 100
    ) -> List[Dict[str, Any]]:
        """사용자 이벤트 조회"""
        
        # Elasticsearch 쿼리 구성
        query = {
            "bool": {
                "must": [
                    {"term": {"user_id": user_id}}
                ]
            }
        }
        
        # 이벤트 타입 필터
        if event_type:
            query["bool"]["must"].append({"term": {"event_type": event_type.value}})
        
        # 날짜 범위 필터
        if start_date or end_date:
            date_range = {}
            if start_date:
                date_range["gte"] = start_date.isoformat()
            if end_date:
                date_range["lte"] = end_date.isoformat()
            
            query["bool"]["must"].append({"range": {"timestamp": date_range}})
        
        # 검색 실행
        try:
            response = await self.elasticsearch.search(
                index="audit_logs-*",
                body={
                    "query": query,
                    "sort": [{"timestamp": {"order": "desc"}}],
                    "size": limit
                }
            )
            
            return [hit["_source"] for hit in response["hits"]["hits"]]
            
        except Exception as e:
            self.logger.error(f"Failed to search user events: {e}")
            return []
    
    async def get_security_events(
        self,
        severity: Optional[str] = None,
        start_date: Optional[datetime] = None,
        end_date: Optional[datetime] = None,
        limit: int = 100
    ) -> List[Dict[str, Any]]:
        """보안 이벤트 조회"""
        
        query = {
            "bool": {
                "must": [
                    {"terms": {"event_type": ["suspicious_activity", "security_violation"]}}
                ]
            }
        }
        
        # 심각도 필터
        if severity:
            query["bool"]["must"].append({"term": {"severity": severity}})
        
        # 날짜 범위 필터
        if start_date or end_date:
            date_range = {}
            if start_date:
                date_range["gte"] = start_date.isoformat()
            if end_date:
                date_range["lte"] = end_date.isoformat()
            
            query["bool"]["must"].append({"range": {"timestamp": date_range}})
        
        try:
            response = await self.elasticsearch.search(
                index="audit_logs-*",
                body={
                    "query": query,
                    "sort": [{"timestamp": {"order": "desc"}}],
                    "size": limit
                }
            )
            
            return [hit["_source"] for hit in response["hits"]["hits"]]
            
        except Exception as e:
            self.logger.error(f"Failed to search security events: {e}")
            return []
    
    async def _check_security_alerts(self, event: AuditEvent):
        """보안 경고 확인"""
        
        # 로그인 실패 반복 확인
        if event.event_type == AuditEventType.USER_LOGIN and event.result == "failure":
            await self._check_repeated_login_failures(event.ip_address, event.user_id)
        
        # 의심스러운 활동 확인
        if event.event_type == AuditEventType.SUSPICIOUS_ACTIVITY:
            await self._trigger_security_alert(event)
        
        # 보안 위반 확인
        if event.event_type == AuditEventType.SECURITY_VIOLATION:
            await self._trigger_critical_alert(event)
    
    async def _check_repeated_login_failures(self, ip_address: str, user_id: Optional[str]):
        """반복 로그인 실패 확인"""
        
        # 최근 5분간 실패한 로그인 횟수 확인
        recent_failures = await self._count_recent_failures(ip_address, user_id, minutes=5)
        
        if recent_failures >= 5:
            # 계정 잠금
            if user_id:
                await self._lock_user_account(user_id, minutes=15)
            
            # IP 차단
            await self._block_ip_address(ip_address, minutes=30)
            
            # 보안 경고 생성
            await self.log_event(
                event_type=AuditEventType.SECURITY_VIOLATION,
                user_id=user_id,
                ip_address=ip_address,
                user_agent="",
                action="account_locked",
                result="success",
                details={"reason": "repeated_login_failures", "failures": recent_failures},
                severity="high"
            )
    
    async def _count_recent_failures(self, ip_address: str, user_id: Optional[str], minutes: int) -> int:
        """최근 실패 횟수 계산"""
        
        start_time = datetime.utcnow() - timedelta(minutes=minutes)
        
        query = {
            "bool": {
                "must": [
                    {"term": {"event_type": "user_login"}},
                    {"term": {"result": "failure"}},
                    {"term": {"ip_address": ip_address}},
                    {"range": {"timestamp": {"gte": start_time.isoformat()}}}
                ]
            }
        }
        
        if user_id:
            query["bool"]["must"].append({"term": {"user_id": user_id}})
        
        try:
            response = await self.elasticsearch.count(
                index="audit_logs-*",
                body={"query": query}
            )
            
            return response["count"]
            
        except Exception:
            return 0
    
    async def _lock_user_account(self, user_id: str, minutes: int):
        """사용자 계정 잠금"""
        lock_until = datetime.utcnow() + timedelta(minutes=minutes)
        
        self.redis.setex(
            f"account_lock:{user_id}",
            minutes * 60,
            lock_until.isoformat()
        )
    
    async def _block_ip_address(self, ip_address: str, minutes: int):
        """IP 주소 차단"""
        block_until = datetime.utcnow() + timedelta(minutes=minutes)
        
        self.redis.setex(
            f"ip_block:{ip_address}",
            minutes * 60,
            block_until.isoformat()
        )
    
    async def _trigger_security_alert(self, event: AuditEvent):
        """보안 경고 트리거"""
        # 여기에 알림 시스템 연동 로직
        self.logger.warning(f"Security alert: {event.event_type.value} - {event.details}")
        
        # Slack, Email 등으로 알림 전송
        await self._send_security_notification(event)
    
    async def _trigger_critical_alert(self, event: AuditEvent):
        """치명적 보안 경고 트리거"""
        # 여기에 즉각적인 알림 시스템 연동 로직
        self.logger.critical(f"Critical security violation: {event.event_type.value} - {event.details}")
        
        # 즉각적인 관리자 알림
        await self._send_critical_notification(event)
    
    async def _send_security_notification(self, event: AuditEvent):
        """보안 알림 전송"""
        # 여기에 Slack, Email 등 알림 전송 로직
        pass
    
    async def _send_critical_notification(self, event: AuditEvent):
        """치명적 알림 전송"""
        # 여기에 SMS, 전화 등 즉각적인 알림 전송 로직
        pass
    
    async def cleanup_old_events(self):
        """오래된 이벤트 정리"""
        
        for event_type, retention_days in self.retention_days.items():
            cutoff_date = datetime.utcnow() - timedelta(days=retention_days)
            
            # Elasticsearch 오래된 데이터 삭제
            try:
                await self.elasticsearch.delete_by_query(
                    index=f"audit_logs-*",
                    body={
                        "query": {
                            "bool": {
                                "must": [
                                    {"term": {"event_type": event_type.value}},
                                    {"range": {"timestamp": {"lt": cutoff_date.isoformat()}}}
                                ]
                            }
                        }
                    }
                )
            except Exception as e:
                self.logger.error(f"Failed to cleanup old events: {e}")
